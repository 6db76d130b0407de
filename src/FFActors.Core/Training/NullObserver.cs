namespace FFActors.Core.Training;

public sealed class NullObserver : ITrainingObserver
{
    public static readonly NullObserver Instance = new();
}
