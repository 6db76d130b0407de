using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of ProbeGoodness.</summary>
[MessagePackObject]
public sealed record WireProbeGoodness(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer,
    [property: Key(2)] WireTensor GoodPositive,
    [property: Key(3)] WireTensor GoodNegative);
