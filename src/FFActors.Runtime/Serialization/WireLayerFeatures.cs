using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of LayerFeatures.</summary>
[MessagePackObject]
public sealed record WireLayerFeatures(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer,
    [property: Key(2)] WireTensor Features);
