class DomainError(Exception):
    """A business rule said no. Views turn these into a clear message and a 4xx."""

    status_code = 400

    def __init__(self, message: str = "", **context):
        super().__init__(message or self.__doc__)
        self.message = message or (self.__doc__ or "").strip()
        self.context = context

    def __str__(self):
        return self.message
