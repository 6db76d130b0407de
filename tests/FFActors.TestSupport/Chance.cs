namespace FFActors.TestSupport;

/// <summary>
/// The baseline an accuracy floor must clear when nothing better is measured: guessing among the classes. A test's
/// floor sits above <see cref="Bound"/>, so a classifier that learned nothing (features that ignore the image, labels
/// that do not reach the readout) fails it on any seed, while a floor far below the measured figure keeps the test
/// from failing on another machine's float rounding.
/// </summary>
public static class Chance
{
    /// <summary>Chance accuracy plus <paramref name="sigmas"/> binomial standard deviations over <paramref name="samples"/> test samples.</summary>
    public static double Bound(int classes, int samples, double sigmas = 5)
    {
        double p = 1.0 / classes;
        return p + sigmas * Math.Sqrt(p * (1 - p) / samples);
    }
}
