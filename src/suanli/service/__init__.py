"""service room: the exchange's REST API (FastAPI). Thin routes over `suanli.store`; HTTP status
codes live here and nowhere else."""
