"""Headless Chromium for the end-to-end tests and the screenshots (Debian's chromium)."""

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def launch(playwright):
    """A headless Chromium browser (the caller closes it)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def watch(page, problems: list[str]) -> None:
    """Collect script errors, CSP violations and failed requests (except the favicon) into
    ``problems``."""

    def console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def response(reply) -> None:
        if reply.status >= 400 and not reply.url.endswith("/favicon.ico"):
            problems.append(f"{reply.status} {reply.url}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", response)


def sign_in(page, base: str, username: str, password: str):
    """Sign ``page`` in through the login form and wait until the login page is left; return it."""
    from playwright.sync_api import expect

    page.goto(f"{base}/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    # A click does not wait for the navigation it starts: wait until the sign-in page is left.
    expect(page).not_to_have_url(f"{base}/akun/masuk/")
    return page
