using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;

namespace FFActors.Runtime.Cluster;

/// <summary>
/// TLS for the remote transport from <see cref="TlsOptions"/>: this node presents the certificate in
/// <c>cluster.tls.certificate-path</c>, requires one from every peer (mutual TLS), and accepts a peer
/// only if its certificate's thumbprint is trusted (by default: the same certificate, shared by the
/// cluster). Self-signed certificates work; a node with any other certificate cannot connect, so cannot join.
/// The data plane's links use the same certificate and the same pins (<see cref="Transport.LinkSecurity"/>).
/// </summary>
public static class TlsSetup
{
    /// <summary>This node's certificate and the thumbprints it trusts (by default its own).</summary>
    public static (X509Certificate2 Certificate, string[] Trusted) Load(TlsOptions tls)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(tls.CertificatePath, tls.CertificatePassword,
                X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            // A wrong password and a .crt/.pem given for a .pfx both end here; the library's message names neither file nor key.
            throw new ClusterSetupException($"cluster.tls.certificate-path: {tls.CertificatePath}: cannot load it as a PKCS#12 (.pfx/.p12) certificate " +
                $"with its private key using cluster.tls.certificate-password ({e.Message.ReplaceLineEndings(" ").TrimEnd('.')})");
        }
        return (certificate, tls.TrustedThumbprints is { Count: > 0 } list ? list.ToArray() : [certificate.Thumbprint]);
    }

    public static DotNettySslSetup For(X509Certificate2 certificate, string[] trusted) =>
        new(certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, customValidator: CertificateValidation.PinnedCertificate(trusted));
}

/// <summary>TLS for the remote transport.</summary>
/// <param name="CertificatePath">PKCS#12 file with this node's certificate and private key.</param>
/// <param name="TrustedThumbprints">SHA-1 thumbprints of the peer certificates accepted; empty = only this node's own certificate (one certificate shared by the cluster).</param>
public sealed record TlsOptions(bool Enabled = false, string CertificatePath = "", string CertificatePassword = "", IReadOnlyList<string>? TrustedThumbprints = null);
