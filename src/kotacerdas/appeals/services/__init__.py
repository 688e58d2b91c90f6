"""Services of the right of reply: the window (``window``), filing (``filing``), deciding
(``decisions``), the register and its public aggregate (``register``) and the emails
(``notifications``). Views and commands call these; each is atomic and says what it guarantees."""
