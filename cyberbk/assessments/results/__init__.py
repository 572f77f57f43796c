"""Results of administrations, counted with GROUP BY in the database; Python only arranges
the aggregated rows for the pages. One module a sub-domain: counts, areas, the result pages'
reports, pre/post comparison and the overviews."""
