"""The demo kabupaten: a fictional but realistically sized dataset for trying Tagar."""
