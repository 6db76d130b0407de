using System.Runtime.Serialization;

namespace FFActors.Runtime.Serialization;

/// <summary>A message too large for the transport's frame: refused loudly rather than dropped by the transport with a log line.</summary>
public sealed class WireFrameException(object message, long bytes, long maximumFrame) : SerializationException(
    $"{message.GetType().Name} is {bytes:N0} bytes, more than the {maximumFrame:N0}-byte frame (less {WireSerializer.EnvelopeReserve:N0} for the envelope) " +
    $"allowed by {WireSerializer.FramePath}; set cluster.maximum-frame-size = 0 (computed from the model and batch sizes) or larger, the same on every node")
{
    public long Bytes { get; } = bytes;
    public long MaximumFrame { get; } = maximumFrame;
}
