"""Article text -> facts: numbers, quantities with units, mentions of projects, companies,
places and periods, the rules that type a figure, and the reader that walks an article."""
