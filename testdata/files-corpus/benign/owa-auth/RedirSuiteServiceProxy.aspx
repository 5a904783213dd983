<%@ Page Language="C#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.RedirSuiteServiceProxyPage" %>
<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title></title>
<script type="text/javascript">
    (function () {
        var target = "<%= HttpUtility.JavaScriptStringEncode(this.SuiteServiceUrl) %>";
        function post(msg) { if (window.parent && window.parent !== window) { window.parent.postMessage(msg, "<%= HttpUtility.JavaScriptStringEncode(this.ParentOrigin) %>"); } }
        window.addEventListener("message", function (e) {
            if (e.origin !== "<%= HttpUtility.JavaScriptStringEncode(this.ParentOrigin) %>") { return; }
            var x = new XMLHttpRequest();
            x.open("POST", target, true);
            x.setRequestHeader("Content-Type", "application/json; charset=utf-8");
            x.onreadystatechange = function () { if (x.readyState === 4) { post({ status: x.status, body: x.responseText }); } };
            x.send(JSON.stringify(e.data));
        }, false);
        post({ ready: true });
    })();
</script>
</head>
<body></body>
</html>
