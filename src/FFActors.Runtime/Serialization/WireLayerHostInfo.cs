using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of LayerHostInfo.</summary>
[MessagePackObject]
public sealed record WireLayerHostInfo(
    [property: Key(0)] string NodeName,
    [property: Key(1)] long MaximumFrameSize);
