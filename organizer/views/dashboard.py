from django.shortcuts import render

from accounts.decorators import organizer_required
from organizer import services


@organizer_required
def dashboard(request):
    board = services.dashboard(organizer=request.user.organizer)
    return render(request, "organizer/ops/dashboard.html", {"board": board})
