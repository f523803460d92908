"""The benchmark cases, one module per chapter. Importing this package registers them, in page
order."""

from sitetools.bench.cases import (  # noqa: F401  (imported for their registrations)
    cpu,
    fusion,
    gpu,
    inference,
    ladder,
    mixed_precision,
    multimodal,
    pruning,
    quantization,
    saving,
)
