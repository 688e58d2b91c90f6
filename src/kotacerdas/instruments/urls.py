"""Routes for instruments: list, detail, import and export, crosswalks."""

app_name = "instruments"

urlpatterns: list = []
