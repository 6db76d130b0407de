using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of LayerTimings.</summary>
[MessagePackObject]
public sealed record WireLayerTimings(
    [property: Key(0)] int Layer,
    [property: Key(1)] double ComputeSeconds,
    [property: Key(2)] double HandlerSeconds,
    [property: Key(3)] long Items,
    [property: Key(4)] int MaxQueued,
    [property: Key(5)] int MaxInFlight,
    [property: Key(6)] long ChunksShared = 0,
    [property: Key(7)] long ChunksHelped = 0);
