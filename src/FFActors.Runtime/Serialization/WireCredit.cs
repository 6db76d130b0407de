using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of Credit.</summary>
[MessagePackObject]
public sealed record WireCredit(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer);
