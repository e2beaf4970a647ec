"""The web side: for now a simple chat page that talks to Rasa's REST channel through this server."""
