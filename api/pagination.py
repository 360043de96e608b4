"""One pagination for every list: ?page=N, 20 items, ``next``/``previous`` links and a count."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "taille"
    max_page_size = 100
