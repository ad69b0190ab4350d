"""S3 through django-storages, with the rule that no database transaction is open while S3
answers (getiickets/external.py): uploads happen before the rows that name them are saved."""

from storages.backends.s3 import S3Storage


class TransactionFreeS3Storage(S3Storage):
    def _check(self):
        from getiickets.external import ensure_outside_transaction

        ensure_outside_transaction("S3")

    def _save(self, name, content):
        self._check()
        return super()._save(name, content)

    def _open(self, name, mode="rb"):
        self._check()
        return super()._open(name, mode)

    def delete(self, name):
        self._check()
        return super().delete(name)

    def exists(self, name):
        self._check()
        return super().exists(name)
