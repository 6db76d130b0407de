using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of ScoreGoodness.</summary>
[MessagePackObject]
public sealed record WireScoreGoodness(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Label,
    [property: Key(2)] int Layer,
    [property: Key(3)] WireTensor Goodness);
