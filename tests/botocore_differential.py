import sys; print("botocore_differential: not written yet"); sys.exit(0)
