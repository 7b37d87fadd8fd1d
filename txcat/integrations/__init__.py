"""Run saved txcat models on distributed engines (Ray Data, Spark) when one process is
not enough. The same model directory works everywhere; nothing is retrained."""
