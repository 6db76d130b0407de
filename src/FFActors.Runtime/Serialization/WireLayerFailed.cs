using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of LayerFailed.</summary>
[MessagePackObject]
public sealed record WireLayerFailed(
    [property: Key(0)] string RunId,
    [property: Key(1)] int Generation,
    [property: Key(2)] int Layer,
    [property: Key(3)] string Reason);
