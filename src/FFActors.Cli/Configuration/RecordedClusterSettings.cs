using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FFActors.Cli.Configuration.Keys;
using FFActors.Cli.Configuration.Schema;

namespace FFActors.Cli.Configuration;

/// <summary>
/// A cluster run's own settings (<c>cluster.*</c>, as resolved when it started), kept in its run folder as
/// <c>cluster.conf</c> beside <c>config.conf</c>, which leaves them out. <c>ffactors train --resume RUN --cluster</c>
/// reads them, so it joins the same seed nodes with the same TLS, timing and wire settings without repeating them;
/// <c>--set cluster.*</c>, <c>--host</c>, <c>--port</c> and <c>--seed-nodes</c> given with the resume still win. The
/// certificate password is a secret and is never written: the certificate's path is, and a resume of a run whose
/// certificate has a password gives that password again.
/// </summary>
public static class RecordedClusterSettings
{
    public const string FileName = "cluster.conf";

    /// <summary>The cluster keys of <paramref name="loaded"/> as HOCON that loads back, without the certificate password.</summary>
    public static string Render(LoadedConfig loaded)
    {
        var lines = new List<string>
        {
            "# The cluster settings this run started with (ffactors train --cluster); ffactors train --resume RUN --cluster reads them.",
            $"# {ClusterKeys.CertificatePassword.Path} is not recorded (a secret).",
        };
        foreach (var key in ClusterKeys.Group.Keys.Where(k => k != ClusterKeys.CertificatePassword))
            lines.Add($"{key.Path} = {key.Canonical(loaded.Hocon.GetValue(key.Path))}");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>
    /// <paramref name="loaded"/> (a resume's configuration) with the settings recorded in <paramref name="runDir"/> for every
    /// cluster key the command line did not set; unchanged when the run recorded none (a run started without --cluster).
    /// </summary>
    /// <exception cref="ConfigException">The recorded TLS certificate needs a password and none was given.</exception>
    public static LoadedConfig Apply(LoadedConfig loaded, string runDir)
    {
        var file = Path.Combine(runDir, FileName);
        if (!File.Exists(file)) return loaded;
        var recorded = ConfigLoader.ParseFile(file);
        ConfigLoader.CheckKnown(recorded, file, ConfigLoader.Reference);
        foreach (var key in ClusterKeys.Group.Keys)
            if (recorded.HasPath(key.Path) && !loaded.Origins.ContainsKey(key.Path))
            {
                string value;
                try
                {
                    value = key.Canonical(recorded.GetValue(key.Path));
                }
                catch (BadValue e)
                {
                    throw new ConfigException(file, key.Path, e.Message);
                }
                loaded = loaded.With(key.Path, value, file);
            }
        CheckPassword(loaded, file);
        return loaded;
    }

    /// <summary>Says what is missing, rather than a certificate that does not load, when a recorded certificate needs its password again.</summary>
    static void CheckPassword(LoadedConfig loaded, string file)
    {
        var reader = new ConfigReader(loaded);
        if (!reader.Get(ClusterKeys.TlsEnabled) || loaded.Origins.ContainsKey(ClusterKeys.CertificatePassword.Path)) return;
        var path = reader.Get(ClusterKeys.CertificatePath);
        if (!File.Exists(path)) return; // the binder names the missing file
        try
        {
            using var _ = X509CertificateLoader.LoadPkcs12FromFile(path, "", X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException)
        {
            throw new ConfigException(file, ClusterKeys.CertificatePassword.Path,
                $"the run's certificate {path} needs its password, which the run folder does not keep: " +
                $"give it with --set {ClusterKeys.CertificatePassword.Path}=…");
        }
    }
}
