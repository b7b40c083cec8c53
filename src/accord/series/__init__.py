"""Crime series: cases in several agencies linked through resolved persons and shared
identifiers, and the joint cases opened on them."""
