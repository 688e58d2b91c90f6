"""Services of the reports app: PDF documents (``documents``) and the batch of a whole cycle
(``batch``)."""
