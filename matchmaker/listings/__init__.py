"""What achievements and needs share: kinds, validation, lifecycle, search and web routes."""
