namespace FFActors.Runtime.Protocol;

/// <summary>
/// Marker of every protocol message: HOCON binds it to the MessagePack wire serializer
/// (<c>FFActors.Runtime.Serialization.WireSerializer</c>), so any message that can cross nodes has an
/// explicit contract and nothing falls back to Akka's default JSON serializer.
/// </summary>
public interface IWireMessage
{
}
