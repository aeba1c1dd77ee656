"""The web app (WEB.md): pages rendered on the server from the same services as the API."""
