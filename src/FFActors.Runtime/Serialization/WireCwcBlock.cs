using MessagePack;

namespace FFActors.Runtime.Serialization;

/// <summary>Wire contract of a CwC-FF block's shape and its objective.</summary>
[MessagePackObject]
public sealed record WireCwcBlock(
    [property: Key(0)] int InChannels,
    [property: Key(1)] int Height,
    [property: Key(2)] int Width,
    [property: Key(3)] int OutChannels,
    [property: Key(4)] int Groups,
    [property: Key(5)] bool MaxPool,
    [property: Key(6)] int Classes,
    [property: Key(7)] int HeadPool,
    [property: Key(8)] int ObjectiveClasses,
    [property: Key(9)] int ObjectiveLoss,
    [property: Key(10)] double ObjectiveThreshold);
