"""Background work of documents, registered with the worker (loaded by `jobs.worker.load_tasks`):
sending a document by email (reference "Send a Document in Email")."""

from spaceport.documents.sending import SEND, send_document
from spaceport.jobs import service as jobs

jobs.handler(SEND)(send_document)
