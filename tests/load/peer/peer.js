// The peer: node-webot (npm package "wechat") with one keyword rule, as its README shows it.
// Started by the load harness with NODE_PATH pointing at a temporary install of the package.
const http = require('http');
const url = require('url');
const wechat = require('wechat');

const config = {
  token: process.env.WECHAT_TOKEN,
  appid: process.env.WECHAT_APPID,
  encodingAESKey: process.env.WECHAT_AES_KEY,
  checkSignature: true,
};

const handler = wechat(config, (req, res) => {
  const message = req.weixin;
  if (message.MsgType === 'text' && message.Content === 'hours') {
    res.reply('We open 9:00-21:00');
  } else {
    res.reply("Reply 'hours' for opening hours");
  }
});

http.createServer((req, res) => {
  req.query = url.parse(req.url, true).query;
  handler(req, res, () => { res.statusCode = 404; res.end(); });
}).listen(Number(process.env.PORT), '127.0.0.1');
