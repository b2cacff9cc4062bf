from lantern.cli import main

raise SystemExit(main())
