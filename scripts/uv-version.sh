# The uv release that installs and regenerates the lock files (sourced by the scripts).
UV_VERSION=0.13.9
