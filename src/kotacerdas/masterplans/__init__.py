"""A region's smart city masterplan: programmes, budgets, KPIs, quick wins and evidence."""
