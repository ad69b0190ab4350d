from accounts.viewer import Viewer


def viewer(request):
    """Replaces the `user` of Django's auth context (listed before this one): the header's
    questions answered from the session (accounts.viewer), anything else from the user."""
    return {"user": Viewer(request)}
