"""Events that cross features (Blinker, as Flask's own signals): the feature where it
happens sends, the features that care connect, and neither imports the other."""

from blinker import Namespace

signals = Namespace()

#: This browser signs out (logout, quick exit, idle timeout), sent before its session is
#: cleared; features drop what they keep for the browser (open sockets, an opened
#: problem-box thread). Sender: the app.
signing_out = signals.signal("signing-out")
