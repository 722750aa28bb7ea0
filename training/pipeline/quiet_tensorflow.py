"""Import TensorFlow without its C++ start-up noise.

TF_CPP_MIN_LOG_LEVEL silences TensorFlow's own log, but not the lines that its libraries print
while they load, before logging is set up (cuDNN / cuBLAS factories, "computation placer"...):
every error message of the CLIs came after half a dozen of them. So the import runs with the
process's stderr (file descriptor 2) sent to a temporary file, which is shown only if it fails.
tensorflowjs imports TensorFlow Decision Forests, which greets on stderr, or through IPython (not
installed: the import fails) when stdout is captured, as under pytest: the greeting is turned off.
"""
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TFDF_DISABLE_WELCOME_MESSAGE", "1")

if "tensorflow" not in sys.modules:
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+") as noise:
        os.dup2(noise.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        except BaseException:
            os.dup2(saved, 2)
            noise.seek(0)
            sys.stderr.write(noise.read())
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
