"""Charts: DataFrame → plotly figure builders (views, marks, the theme's templates) and the
bundle of presentations the browser switches by itself. Pure: no I/O, no request.

May import: `components.i18n`, `components.ids`, `components.state` (the view state a
presentation names) and `data_sources.model`.
"""
