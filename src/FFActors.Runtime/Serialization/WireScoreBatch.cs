using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of ScoreBatch.</summary>
[MessagePackObject]
public sealed record WireScoreBatch(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Label,
    [property: Key(2)] WireTensor Input,
    [property: Key(3)] int Deepest,
    [property: Key(4)] long ReportMask);
