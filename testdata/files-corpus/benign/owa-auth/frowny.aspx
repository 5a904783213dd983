<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="robots" content="noindex, nofollow">
<title>Outlook</title>
<style>
    body { font-family: "Segoe UI", Tahoma, Arial, sans-serif; margin: 0; padding: 48px; color: #333; }
    .face { font-size: 120px; font-weight: 100; line-height: 1; margin-bottom: 24px; color: #0072c6; }
    h1 { font-size: 28px; font-weight: 300; margin: 0 0 12px; }
</style>
</head>
<body>
<div class="face">:(</div>
<h1>Something went wrong</h1>
<p>We couldn't load the page you asked for. Please try again in a few minutes.</p>
<p><a href="/owa/">Go back to Outlook</a></p>
</body>
</html>
