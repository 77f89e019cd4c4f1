"""What a pattern costs: the price sheet (data/prices.yml), the usage model in each pattern
page's front matter, the arithmetic both the build and the page's estimator run, and the
snippets that show the estimate on the page and the whole sheet on /pricing/."""
