using Akka.Actor;

namespace FFActors.Runtime.Transport;

/// <summary>One <see cref="DataPlane"/> per actor system, started on first use and stopped with the system.</summary>
public sealed class DataPlaneExtension : ExtensionIdProvider<DataPlane>
{
    public static readonly DataPlaneExtension Instance = new();

    public override DataPlane CreateExtension(ExtendedActorSystem system)
    {
        var setup = system.Settings.Setup.Get<DataPlaneSetup>();
        if (!setup.HasValue) throw new InvalidOperationException("this actor system was created without a DataPlaneSetup");
        var plane = new DataPlane(setup.Value);
        system.RegisterOnTermination(plane.Dispose);
        return plane;
    }
}
