from portpages.cli import main

raise SystemExit(main())
