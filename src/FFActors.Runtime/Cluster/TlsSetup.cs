using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;

namespace FFActors.Runtime.Cluster;

/// <summary>
/// TLS for the remote transport from <see cref="TlsOptions"/>: this node presents the certificate in
/// <c>cluster.tls.certificate-path</c>, requires one from every peer (mutual TLS), and accepts a peer
/// only if its certificate's thumbprint is trusted (by default: the same certificate, shared by the
/// cluster). Self-signed certificates work; a node with any other certificate cannot connect, so cannot join.
/// </summary>
public static class TlsSetup
{
    public static DotNettySslSetup For(TlsOptions tls)
    {
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(tls.CertificatePath, tls.CertificatePassword,
            X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
        var trusted = tls.TrustedThumbprints is { Count: > 0 } list ? list.ToArray() : [certificate.Thumbprint];
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, customValidator: CertificateValidation.PinnedCertificate(trusted));
    }
}
