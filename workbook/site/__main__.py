"""`python -m workbook.site`: write the docs site's Markdown to disk (see `writer`)."""

from workbook.site.writer import main

raise SystemExit(main())
